package dev.covertree.engine.knn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.Engine;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.engine.KnnOptions;
import dev.covertree.engine.KnnResult;
import dev.covertree.engine.Matrix;
import dev.covertree.engine.QuerySet;
import dev.covertree.engine.RandomPoints;
import dev.covertree.engine.metric.Metric;
import dev.covertree.engine.prepare.Inducing;
import dev.covertree.engine.prepare.PreparedResidual;
import dev.covertree.npy.NpyDType;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The residual metric's input checks: silent on every consistent input, loud on kernel settings that do not fit. */
class InputChecksTest {
    @Test
    void illConditionedInputsPassWithFloat32AndFloat64V() {
        // the gold regime: many inducing points, p near the jitter, where float32 V moves rho by percents
        try (Arena arena = Arena.ofShared()) {
            // the bench's gold workload at 4096 points, where a bound from the cover tree's slacks alone failed
            Matrix x = RandomPoints.generate("x", 4096, 3, 0, arena);
            for (NpyDType t : new NpyDType[] {NpyDType.F4, NpyDType.F8}) {
                try (PreparedResidual r = PreparedResidual.prepare(x, Kernel.of(KernelType.RBF, 1, 1), Inducing.random(512, 0),
                        t, 2);
                     KnnResult res = Knn.search(Metric.of(r.dataset()), QuerySet.allPoints(4096),
                             KnnOptions.of(50).withEngine(Engine.BRUTE))) {
                    assertTrue(res.distanceEvaluations() > 0);
                }
            }
        }
    }

    @Test
    void aWrongLengthscaleIsCaughtAndTheCheckCanBeTurnedOff() {
        try (Arena arena = Arena.ofShared()) {
            Matrix x = RandomPoints.generate("x", 2000, 2, 4, arena);
            try (PreparedResidual r = PreparedResidual.prepare(x, Kernel.of(KernelType.MATERN32, 1, 0.3), Inducing.random(40, 2),
                    NpyDType.F4, 2);
                 Dataset wrong = Dataset.residual(x, r.dataset().v(), r.dataset().p(), Kernel.of(KernelType.MATERN32, 1, 2.0))) {
                KnnOptions o = KnnOptions.of(10).withEngine(Engine.BRUTE);
                InvalidInputException e = assertThrows(InvalidInputException.class,
                        () -> Knn.search(Metric.of(wrong), QuerySet.allPoints(2000), o).close());
                assertTrue(e.getMessage().contains("do not belong to V and p"), e.getMessage());
                try (KnnResult res = Knn.search(Metric.of(wrong), QuerySet.allPoints(2000), o.withCheckInputs(false))) {
                    assertTrue(res.distance(0, 0) == 0, "without the check the answer is the silent zeros");
                }
            }
        }
    }
}
