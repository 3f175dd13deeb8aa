package io.foldopt.nn;

/**
 * Thrown by {@link Trainer#fit} when a batch's loss or one of its gradients is not finite (NaN or
 * infinite); it names the epoch and the batch, both counted from 0. The offending update is not applied.
 */
public final class TrainingDivergedException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    /** The epoch in which training diverged, from 0. */
    private final int epoch;
    /** The batch of that epoch, from 0. */
    private final int batch;

    TrainingDivergedException(int epoch, int batch, String what) {
        super("epoch " + epoch + ", batch " + batch + ": " + what);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** @return the epoch, from 0 */
    public int epoch() {
        return epoch;
    }

    /** @return the batch within the epoch, from 0 */
    public int batch() {
        return batch;
    }
}
