package dev.medforge.ml.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.CMAESOptimizer;
import org.apache.commons.math3.random.MersenneTwister;

/**
 * Fusion's gradient-free coefficient search: CMA-ES (commons-math3) inside bounds, minimising
 * loss + l1 * mean|w - start| within a hard evaluation budget. The penalty pulls towards the start
 * (the running linear point), not towards zero: shrinking every weight is no prior worth paying for.
 * The starting point is evaluated first and the best point seen is returned, so the result is never
 * worse than the start on the data searched.
 */
final class CoefficientSearch {

    record Result(double[] best, List<SearchStep> trace) { }

    private CoefficientSearch() {
    }

    static Result minimise(Function<double[], Double> loss, double[] start, MergeOptions o) {
        double lower = o.lower();
        double upper = o.upper();
        int dim = start.length;
        List<SearchStep> trace = new ArrayList<>();
        double[][] best = {clamp(start, lower, upper)};
        double[] bestValue = {Double.POSITIVE_INFINITY};
        Function<double[], Double> objective = w -> {
            if (trace.size() >= o.budget()) {
                throw new TooManyEvaluationsException(o.budget());
            }
            double[] x = clamp(w, lower, upper);
            double l = loss.apply(x);
            double distance = 0;
            for (int i = 0; i < dim; i++) {
                distance += Math.abs(x[i] - start[i]);
            }
            double value = l + o.l1() * distance / dim;
            trace.add(new SearchStep(trace.size() + 1, x, l, value));
            if (value < bestValue[0]) {
                bestValue[0] = value;
                best[0] = x;
            }
            return value;
        };
        objective.apply(best[0]);
        if (o.budget() > 1) {
            double[] lo = new double[dim];
            double[] hi = new double[dim];
            double[] sigma = new double[dim];
            Arrays.fill(lo, lower);
            Arrays.fill(hi, upper);
            Arrays.fill(sigma, (upper - lower) / 6);
            int population = Math.max(4, 4 + (int) (3 * Math.log(dim)));
            CMAESOptimizer cmaes = new CMAESOptimizer(o.budget(), 0, true, 0, 0, new MersenneTwister(o.seed()), false, null);
            try {
                cmaes.optimize(new MaxEval(o.budget() - 1), new ObjectiveFunction(objective::apply), GoalType.MINIMIZE,
                        new InitialGuess(best[0]), new SimpleBounds(lo, hi), new CMAESOptimizer.Sigma(sigma),
                        new CMAESOptimizer.PopulationSize(population));
            } catch (TooManyEvaluationsException spent) {
                // the budget is the stopping rule; the best point so far is the answer
            }
        }
        return new Result(best[0], List.copyOf(trace));
    }

    private static double[] clamp(double[] w, double lower, double upper) {
        double[] x = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            x[i] = Math.max(lower, Math.min(upper, w[i]));
        }
        return x;
    }
}
