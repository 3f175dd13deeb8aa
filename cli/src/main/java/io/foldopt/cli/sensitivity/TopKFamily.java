package io.foldopt.cli.sensitivity;

import io.foldopt.autodiff.Var;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import io.foldopt.topk.TopK;
import io.foldopt.topk.TopK.Entropy;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code {"family": "topk", "c": [..], "k": K, "eps": E, "entropy": "binary" | "shannon"}}: the
 * smoothed top-k layer ({@link TopK}), differentiated analytically; gradient for {@code c}. The status is
 * {@link TopK#check}'s: bounds, {@code sum x = k} and stationarity, checked on the solution.
 */
final class TopKFamily implements Family {
    @Override
    public Instance read(ProblemFile file) {
        Tensor c = file.vector("c");
        int k = file.integer("k");
        double eps = file.number("eps");
        String name = file.has("entropy") ? file.string("entropy") : "binary";
        Entropy entropy;
        switch (name) {
            case "binary" -> entropy = Entropy.BINARY;
            case "shannon" -> entropy = Entropy.SHANNON;
            default -> throw file.error("entropy", "must be \"binary\" or \"shannon\", got \"" + name + "\"");
        }
        int n = c.size();
        if (k <= 0 || k >= n) {
            throw file.error("k", "must satisfy 0 < k < n = " + n + ", got " + k);
        }
        if (!(eps >= Double.MIN_NORMAL)) {
            throw file.error("eps", "must be at least " + Double.MIN_NORMAL + " (a positive normal number), got "
                    + eps);
        }
        Var cv = Var.param(c);
        Var x = TopK.layer(cv.reshape(1, n), k, eps, entropy).reshape(n);
        Map<String, Var> params = new LinkedHashMap<>();
        params.put("c", cv);
        Status status = TopK.check(c.data(), x.value().data(), k, eps, entropy).status();
        return new Instance(params, x, status,
                () -> Map.of("method", "analytic (" + entropy.name().toLowerCase(Locale.ROOT) + " entropy)"));
    }
}
