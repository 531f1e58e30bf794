package dev.medforge.gateway.rest;

import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9: every bad input is a 400 problem naming the rule and the field, never a 5xx. */
@QuarkusTest
class BadInputTest {

    private static final String BOUNDARY = "medforge-bad-input";

    @TestHTTPResource("/api/v1/branches")
    URI branches;

    @Test
    void twoThousandMultipartPartsAreA400NamingTheBody() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int part = 0; part < 2000; part++) {
            body.writeBytes(part("field" + part, "{}"));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        assertMultipartRefused(submit(body.toByteArray()));
    }

    @Test
    void aMultipartBodyCutOffBeforeItsClosingBoundaryIsA400NamingTheBody() throws Exception {
        byte[] whole = part("manifest", "{\"task\":\"tops\",\"description\":\"cut off\"}");
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 10);

        assertMultipartRefused(submit(truncated));
    }

    @Test
    void aTaskWithAStringForTheClassListIsA400NamingTheFieldNotA502() {
        String branch = GatewayFixtures.newBranch();

        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "classNames", "T-shirt/top", "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("WRONG_TYPE"))
                .body("errors[0].field", is("classNames"))
                .body("errors[0].message", is("must be an array"));
    }

    @Test
    void aPolicyWithAStringForANumberIsA400NamingTheFieldNotA502() {
        String branch = GatewayFixtures.newBranch();

        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType(ContentType.JSON)
                .body(Map.of("maxRegression", "two points"))
                .put("/api/v1/branches/{b}/policy", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("WRONG_TYPE"))
                .body("errors[0].field", is("maxRegression"))
                .body("errors[0].message", is("must be a number"));
        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType(ContentType.JSON)
                .body(Map.of("id", "x-" + branch, "baseModel", Map.of("id", "b", "digest", GatewayFixtures.DIGEST, "architecture", "{}"),
                        "policy", Map.of("rankLimit", List.of(8))))
                .post("/api/v1/branches").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("policy.rankLimit"))
                .body("errors[0].message", is("must be an integer"));
    }

    @Test
    void aBodyThatIsNotOneJsonObjectIsA400NamingTheBody() {
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body("[\"tops\"]")
                .post("/api/v1/branches/{b}/tasks", "main").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("INVALID_JSON"))
                .body("errors[0].field", is("body"));
        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType(ContentType.JSON)
                .body("{\"strategy\": ")
                .put("/api/v1/branches/{b}/policy", "main").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("INVALID_JSON"))
                .body("errors[0].field", is("body"));
    }

    @Test
    void aNulByteInAnIdIsA400NamingTheParameter() {
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a"))
                .get("/api/v1/submissions/{id}", "abc\u0000def").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("CONTROL_CHARACTER"))
                .body("errors[0].field", is("id"));
        given().auth().oauth2(KeycloakTokens.userToken("viewer"))
                .get("/api/v1/branches/{b}/versions", "ma\u0000in").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("branch"));
    }

    private static byte[] part(String name, String content) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name + ".json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + content + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Raw bytes, since a client library would only ever send a well-formed multipart body. */
    private HttpResponse<String> submit(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(branches + "/main/submissions"))
                .header("Authorization", "Bearer " + KeycloakTokens.userToken("hospital-a"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertMultipartRefused(HttpResponse<String> response) {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        JsonPath problem = JsonPath.from(response.body());
        assertEquals("MULTIPART", problem.getString("errors[0].code"));
        assertEquals("body", problem.getString("errors[0].field"));
        assertTrue(problem.getString("errors[0].message").startsWith("the multipart body cannot be read: "), response.body());
    }
}
