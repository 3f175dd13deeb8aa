package io.foldopt.autodiff;

import io.foldopt.parallel.Parallel;
import io.foldopt.tensor.Kernels;
import io.foldopt.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A first-order VJP {@code g -> (dy/dx)^T g} from one output {@code y} to one input {@code x} of a recorded graph,
 * compiled into a few passes over flat arrays, for applying the same product many times (the backward solvers).
 *
 * <p>The cotangent of every node on the path is kept symbolically as a sum of terms {@code c_t f_t .* b_t}: a
 * constant, an elementwise factor and a base array, which is the incoming {@code g} or the result of a matrix
 * product. Elementwise operations (sums, differences, scalings, products with values, elementwise functions,
 * clipping) only change the constants and factors, which are multiplied together at compile time; a product
 * {@code a B} with a matrix {@code B} on the path becomes one dense product {@code (sum_t c_t f_t .* b_t) B^T}
 * through {@link Kernels#multiplyAdd}. An application therefore runs one elementwise pass before each product and
 * one at the end, the last product accumulating straight into the result, and allocates nothing: its scratch
 * arrays are pooled, so a plan may be applied concurrently.
 *
 * <p>When every array on the path has the leading (batch) dimension {@code B} of the output and every product acts
 * on whole rows of one instance, the instances are independent through the plan ({@link #instances()} is {@code B}):
 * it can then be applied to a contiguous part of the batch alone ({@link #apply(double[], double[], int, int)}).
 *
 * <p>Made by {@link Autodiff#fusedPlan}, which falls back to none when an operation on the path has no such form
 * (use {@link VjpPlan} then).
 */
public final class FusedVjpPlan {
    /** One term {@code coef * factor .* bases[base]}; a null factor is all ones. */
    private record Term(int base, double coef, double[] factor) {}

    /** The terms of the products' sources (in product order) and of the result, for some of the instances. */
    private record Part(Term[][] sources, Term[] result) {}

    /**
     * {@code target = scalar (sum of source terms) B^T} with {@code B^T} given as {@code matrixT (m, k)}, for
     * {@code rows} rows; accumulated into the result when {@code intoResult}.
     */
    private record Product(Term[] source, Tensor matrixT, double scalar, int rows, int target, boolean intoResult) {}

    private final int outputSize;
    private final int inputSize;
    private final Product[] products;
    /** Length of each base array; base 0 is the incoming cotangent. */
    private final int[] baseSizes;
    private final int scratchSize;
    /** B if instances are independent through the plan, else 1. */
    private final int instances;
    /** The terms for all instances. */
    private final Part whole;
    /** The terms with their factors cut to parts of the batch, by {@code (from << 32) | to}. */
    private final Map<Long, Part> parts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<double[][]> pool = new ConcurrentLinkedDeque<>();

    private FusedVjpPlan(int outputSize, int inputSize, Product[] products, Term[] result, int[] baseSizes,
            int batch) {
        this.outputSize = outputSize;
        this.inputSize = inputSize;
        this.products = products;
        this.baseSizes = baseSizes;
        int scratch = 0;
        for (Product p : products) {
            if (!isDirect(p.source())) {
                scratch = Math.max(scratch, p.rows() * p.matrixT().dim(-2));
            }
        }
        this.scratchSize = scratch;
        boolean rowwise = batch >= 1 && outputSize % batch == 0 && inputSize % batch == 0;
        for (int size : baseSizes) {
            rowwise &= size % batch == 0;
        }
        for (Product p : products) {
            rowwise &= p.rows() % batch == 0;
        }
        this.instances = rowwise ? batch : 1;
        Term[][] sources = new Term[products.length][];
        for (int i = 0; i < products.length; i++) {
            sources[i] = products[i].source();
        }
        this.whole = new Part(sources, result);
    }

    /** @return the terms of the instances {@code from .. to-1}: their factors cut to those instances' rows */
    private Part part(int from, int to) {
        if (from == 0 && to == instances) {
            return whole;
        }
        return parts.computeIfAbsent(((long) from << 32) | to, key -> {
            Term[][] sources = new Term[products.length][];
            for (int i = 0; i < products.length; i++) {
                sources[i] = cut(whole.sources()[i], from, to);
            }
            return new Part(sources, cut(whole.result(), from, to));
        });
    }

    private Term[] cut(Term[] terms, int from, int to) {
        Term[] out = new Term[terms.length];
        for (int t = 0; t < terms.length; t++) {
            double[] f = terms[t].factor();
            int per = f == null ? 0 : f.length / instances;
            out[t] = new Term(terms[t].base(), terms[t].coef(),
                    f == null ? null : Arrays.copyOfRange(f, from * per, to * per));
        }
        return out;
    }

    /** @return the fused plan from {@code output} to {@code input}, or empty if an operation on the path has no form */
    static Optional<FusedVjpPlan> compile(Var output, Var input) {
        VjpPlan plan = new VjpPlan(new Var[] {output}, new Var[] {input}, false);
        List<Map<Integer, Term>> slots = new ArrayList<>();
        for (int s = 0; s < plan.slotCount(); s++) {
            slots.add(null);
        }
        List<Integer> baseSizes = new ArrayList<>(List.of(output.value().size()));
        List<Product> products = new ArrayList<>();
        int outSlot = plan.outputSlot(0);
        int inSlot = plan.inputSlot(0);
        if (outSlot >= 0) {
            slots.set(outSlot, new LinkedHashMap<>(Map.of(0, new Term(0, 1.0, null))));
        }
        Operation[] ops = plan.operations();
        for (int k = 0; k < ops.length; k++) {
            if (ops[k].outputs().length != 1) {
                return Optional.empty();
            }
            int s = plan.resultSlot(k, 0);
            Map<Integer, Term> terms = s < 0 ? null : slots.get(s);
            if (terms == null) {
                continue;
            }
            Var[] operands = ops[k].inputs();
            for (int i = 0; i < operands.length; i++) {
                int p = plan.operandSlot(k, i);
                if (p < 0) {
                    continue;
                }
                LinearVjp form = ops[k].linear(i);
                if (form == null) {
                    return Optional.empty();
                }
                Map<Integer, Term> target = slots.get(p);
                if (target == null) {
                    target = new LinkedHashMap<>();
                    slots.set(p, target);
                }
                if (form.matrix() == null) {
                    double[] f = form.factor() == null ? null : form.factor().data();
                    for (Term t : terms.values()) {
                        add(target, new Term(t.base(), t.coef() * form.scalar(), times(t.factor(), f)));
                    }
                } else {
                    int cols = form.matrix().dim(-1);
                    int base = baseSizes.size();
                    baseSizes.add(operands[i].value().size());
                    products.add(new Product(terms.values().toArray(new Term[0]), form.matrix().transpose(),
                            form.scalar(), ops[k].outputs()[0].value().size() / cols, base, false));
                    add(target, new Term(base, 1.0, null));
                }
            }
            if (s != inSlot) {
                slots.set(s, null);
            }
        }
        Map<Integer, Term> in = inSlot < 0 || slots.get(inSlot) == null ? Map.of() : slots.get(inSlot);
        int batch = output.value().rank() >= 1 && input.value().rank() >= 1
                && output.value().dim(0) == input.value().dim(0) ? output.value().dim(0) : 1;
        return Optional.of(deferLastProducts(output.value().size(), input.value().size(), products,
                new ArrayList<>(in.values()), baseSizes.stream().mapToInt(Integer::intValue).toArray(), batch));
    }

    /**
     * Marks the products whose result is used once, by a plain term of the input's cotangent, to accumulate straight
     * into the result after the elementwise pass (saving a scratch array and a pass).
     */
    private static FusedVjpPlan deferLastProducts(int outputSize, int inputSize, List<Product> products,
            List<Term> result, int[] baseSizes, int batch) {
        int[] uses = new int[baseSizes.length];
        for (Product p : products) {
            for (Term t : p.source()) {
                uses[t.base()]++;
            }
        }
        for (Term t : result) {
            uses[t.base()]++;
        }
        List<Product> ordered = new ArrayList<>();
        List<Product> deferred = new ArrayList<>();
        for (Product p : products) {
            Term use = result.stream().filter(t -> t.base() == p.target()).findFirst().orElse(null);
            if (use != null && uses[p.target()] == 1 && use.factor() == null) {
                deferred.add(new Product(p.source(), p.matrixT(), p.scalar() * use.coef(), p.rows(), p.target(), true));
                result.remove(use);
            } else {
                ordered.add(p);
            }
        }
        ordered.addAll(deferred);
        return new FusedVjpPlan(outputSize, inputSize, ordered.toArray(new Product[0]), result.toArray(new Term[0]),
                baseSizes, batch);
    }

    /** Adds {@code t} to the terms of a cotangent, merging it with the term of the same base. */
    private static void add(Map<Integer, Term> terms, Term t) {
        Term old = terms.get(t.base());
        if (old == null) {
            terms.put(t.base(), t);
        } else if (old.factor() == null && t.factor() == null) {
            terms.put(t.base(), new Term(t.base(), old.coef() + t.coef(), null));
        } else {
            int n = old.factor() != null ? old.factor().length : t.factor().length;
            double[] f = new double[n];
            for (int k = 0; k < n; k++) {
                f[k] = old.coef() * (old.factor() == null ? 1.0 : old.factor()[k])
                        + t.coef() * (t.factor() == null ? 1.0 : t.factor()[k]);
            }
            terms.put(t.base(), new Term(t.base(), 1.0, f));
        }
    }

    /** @return the elementwise product of two factors (null is all ones) */
    private static double[] times(double[] f, double[] g) {
        if (f == null || g == null) {
            return f == null ? g : f;
        }
        double[] out = new double[f.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = f[k] * g[k];
        }
        return out;
    }

    private static boolean isDirect(Term[] source) {
        return source.length == 1 && source[0].coef() == 1.0 && source[0].factor() == null;
    }

    /** @return the number of dense products one application runs */
    public int products() {
        return products.length;
    }

    /**
     * @return the number {@code B} of instances (rows of the output's leading dimension) that the plan maps
     *     independently, or 1 if it mixes them
     */
    public int instances() {
        return instances;
    }

    /**
     * Writes {@code (dy/dx)^T g} into {@code out}.
     *
     * @param g the cotangent of the output, flat, of the output's size
     * @param out the cotangent of the input, flat, of the input's size; overwritten (must not be {@code g})
     */
    public void apply(double[] g, double[] out) {
        apply(g, out, 0, instances);
    }

    /**
     * Writes {@code (dy/dx)^T g} for the instances {@code from .. to-1} alone into {@code out}: {@code g} and
     * {@code out} hold those instances' parts of the output's and the input's cotangents.
     *
     * @param g the cotangent of the instances' outputs, flat
     * @param out the cotangent of the instances' inputs, flat; overwritten (must not be {@code g})
     * @param from first instance, {@code 0 <= from < to}
     * @param to end (exclusive) of the instances, at most {@link #instances()}
     */
    public void apply(double[] g, double[] out, int from, int to) {
        if (from < 0 || to > instances || from >= to) {
            throw new IllegalArgumentException("fused VJP: instances [" + from + ", " + to + ") of " + instances);
        }
        int part = to - from;
        if (g.length != outputSize / instances * part || out.length != inputSize / instances * part) {
            throw new IllegalArgumentException("fused VJP: cotangent of length " + g.length + " and result of length "
                    + out.length + ", expected " + outputSize / instances * part + " and "
                    + inputSize / instances * part);
        }
        if (g == out) {
            throw new IllegalArgumentException("fused VJP: the result must not be the cotangent array");
        }
        double[][] ws = pool.poll();
        if (ws == null) {
            ws = new double[baseSizes.length + 1][];
            for (Product p : products) {
                if (!p.intoResult()) {
                    ws[p.target()] = new double[baseSizes[p.target()]];
                }
            }
            ws[baseSizes.length] = new double[scratchSize];
        }
        ws[0] = g;
        double[] scratch = ws[baseSizes.length];
        boolean cleared = false;
        Part terms = part(from, to);
        for (int i = 0; i < products.length; i++) {
            Product p = products[i];
            if (p.intoResult() && !cleared) {
                combine(terms.result(), ws, out, out.length);
                cleared = true;
            }
            int cols = p.matrixT().dim(-2);
            int rows = p.rows() / instances * part;
            double[] src;
            if (isDirect(p.source())) {
                src = ws[p.source()[0].base()];
            } else {
                src = scratch;
                combine(terms.sources()[i], ws, src, rows * cols);
            }
            double[] dst = p.intoResult() ? out : ws[p.target()];
            if (!p.intoResult()) {
                Arrays.fill(dst, 0, rows * p.matrixT().dim(-1), 0.0);
            }
            Kernels.multiplyAdd(p.scalar(), src, 0, cols, p.matrixT(), dst, 0, p.matrixT().dim(-1), rows);
        }
        if (!cleared) {
            combine(terms.result(), ws, out, out.length);
        }
        ws[0] = null;
        pool.offer(ws);
    }

    /** {@code dst = sum_t coef_t factor_t .* bases[base_t]} on {@code [0, length)} (zero for no terms), in parallel. */
    private static void combine(Term[] terms, double[][] bases, double[] dst, int length) {
        Parallel.forRanges(length, 2L * Math.max(1, terms.length), (lo, hi) -> {
            if (terms.length == 0) {
                Arrays.fill(dst, lo, hi, 0.0);
                return;
            }
            for (int t = 0; t < terms.length; t++) {
                double c = terms[t].coef();
                double[] f = terms[t].factor();
                double[] b = bases[terms[t].base()];
                if (t == 0 && f == null) {
                    for (int k = lo; k < hi; k++) {
                        dst[k] = c * b[k];
                    }
                } else if (t == 0) {
                    for (int k = lo; k < hi; k++) {
                        dst[k] = c * f[k] * b[k];
                    }
                } else if (f == null) {
                    for (int k = lo; k < hi; k++) {
                        dst[k] += c * b[k];
                    }
                } else {
                    for (int k = lo; k < hi; k++) {
                        dst[k] += c * f[k] * b[k];
                    }
                }
            }
        });
    }
}
