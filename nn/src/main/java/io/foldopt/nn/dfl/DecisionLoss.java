package io.foldopt.nn.dfl;

import io.foldopt.autodiff.Operation;
import io.foldopt.autodiff.Var;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * A decision-focused training loss {@code L(c_hat; c, w*(c), z*(c))} of predicted costs {@code c_hat (B, n)} given the
 * ground truth of the batch ({@link DecisionBatch}), averaged over the batch, with its (sub)gradient with respect to
 * the predicted costs. All losses refer to a minimization {@code min_{w ∈ S} c^T w}.
 */
public interface DecisionLoss {
    /** @return the loss's name in tables and on the command line, e.g. {@code spo+} */
    String name();

    /**
     * @param predicted the predicted costs {@code c_hat (B, n)}
     * @param truth the batch's true costs, optimal decisions and values
     * @return the mean loss over the batch and its gradient {@code dL/dc_hat (B, n)}
     * @throws IllegalArgumentException if the shapes disagree or {@code predicted} is not finite
     * @throws OracleException if an oracle call fails, naming the instance
     */
    Evaluation evaluate(Tensor predicted, DecisionBatch truth);

    /**
     * The loss as a node of the autodiff graph: its value is {@link #evaluate}'s loss and its VJP the gradient
     * times the cotangent (first order: it cannot be differentiated twice).
     *
     * @param predicted the predicted costs {@code c_hat (B, n)}, typically a model's output
     * @param truth the batch's ground truth
     * @return the scalar loss
     */
    default Var apply(Var predicted, DecisionBatch truth) {
        Evaluation e = evaluate(predicted.value(), truth);
        return Operation.recordFirstOrder(name(), new Tensor[] {Tensor.scalar(e.loss())}, new Var[] {predicted},
                (g, needsGrad) -> new Tensor[] {e.gradient().map(v -> v * g[0].item())})[0];
    }

    /**
     * The value and gradient of a loss on a batch.
     *
     * @param loss the mean loss over the batch
     * @param gradient its gradient with respect to the predicted costs, {@code (B, n)}
     */
    record Evaluation(double loss, Tensor gradient) {}

    /** @return {@code a x + b y} for tensors of one shape, as a new {@code (B, n)} tensor */
    static Tensor combine(double a, Tensor x, double b, Tensor y) {
        double[] u = x.data();
        double[] v = y.data();
        double[] out = new double[u.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a * u[i] + b * v[i];
        }
        return Tensor.wrap(out, x.shape());
    }

    /**
     * Checks predicted costs against the ground truth.
     *
     * @throws IllegalArgumentException naming the loss if the shapes differ or a prediction is not finite
     */
    static void check(String loss, Tensor predicted, DecisionBatch truth) {
        if (!predicted.sameShape(truth.costs())) {
            throw new IllegalArgumentException(loss + ": predicted costs " + Arrays.toString(predicted.shape())
                    + " and true costs " + Arrays.toString(truth.costs().shape()) + " differ in shape");
        }
        int bad = predicted.firstNonFinite();
        if (bad >= 0) {
            int n = truth.dimension();
            throw new IllegalArgumentException(loss + ": predicted cost of instance " + bad / n + " at " + bad % n
                    + " is not finite: " + predicted.data()[bad]);
        }
    }
}
