package dev.medforge.cli;

import picocli.CommandLine;

/**
 * {@code medforge --version} from the jar's manifest (Implementation-Version, written by the
 * reactor build), so the printed version is the one that was built and never a second copy of it
 * in the code. Classes run outside the jar (tests, an IDE) have no manifest and say so.
 */
final class ManifestVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String built = MedforgeCommand.class.getPackage().getImplementationVersion();
        return new String[] {"medforge " + (built == null ? "(development build, no jar manifest)" : built),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch")};
    }
}
