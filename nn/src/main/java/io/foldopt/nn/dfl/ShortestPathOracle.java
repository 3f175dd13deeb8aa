package io.foldopt.nn.dfl;

import io.foldopt.algorithms.Polyhedron;
import io.foldopt.status.Status;
import io.foldopt.tensor.Tensor;
import java.util.Arrays;

/**
 * Shortest paths on a directed acyclic graph whose nodes are numbered in a topological order (every arc goes from a
 * lower to a higher node): {@code w*(c)} is the indicator vector over the arcs of a cheapest path from the source to
 * the sink, found by dynamic programming over the nodes in order in {@code O(arcs)}. Unlike Dijkstra's algorithm it
 * is exact for negative arc costs too, as predicted costs may be. Ties go to the arc listed first.
 *
 * <p>{@link #grid} is PyEPO's shortest-path benchmark: a {@code rows x cols} grid of nodes, arcs to the east and to
 * the south neighbour, from the north-west to the south-east corner (40 arcs on the 5x5 grid).
 */
public final class ShortestPathOracle implements Oracle {
    private final int nodes;
    private final int[] tail;
    private final int[] head;
    private final int source;
    private final int sink;
    /** The arcs sorted by tail (stable), so that a pass over them in this order visits nodes in topological order. */
    private final int[] order;

    /**
     * @param nodes the number of nodes
     * @param tail the tail of every arc
     * @param head the head of every arc, greater than its tail
     * @param source the start node
     * @param sink the end node, greater than the source
     */
    public ShortestPathOracle(int nodes, int[] tail, int[] head, int source, int sink) {
        if (tail.length != head.length || tail.length == 0) {
            throw new IllegalArgumentException("tails and heads must be non-empty and of equal length, got "
                    + tail.length + " and " + head.length);
        }
        for (int a = 0; a < tail.length; a++) {
            if (tail[a] < 0 || head[a] >= nodes || tail[a] >= head[a]) {
                throw new IllegalArgumentException("arc " + a + " (" + tail[a] + " -> " + head[a] + ") must go from a"
                        + " lower to a higher node in [0, " + nodes + ")");
            }
        }
        if (source < 0 || sink >= nodes || source >= sink) {
            throw new IllegalArgumentException("source " + source + " must precede sink " + sink + " in [0, " + nodes
                    + ")");
        }
        this.nodes = nodes;
        this.tail = tail.clone();
        this.head = head.clone();
        this.source = source;
        this.sink = sink;
        this.order = java.util.stream.IntStream.range(0, tail.length).boxed()
                .sorted((a, b) -> Integer.compare(this.tail[a], this.tail[b])).mapToInt(Integer::intValue).toArray();
    }

    /**
     * @return the {@code rows x cols} grid: node {@code (i, j)} is {@code i * cols + j}; for each row {@code i} its
     *     east arcs {@code (i, j) -> (i, j+1)}, then (except for the last row) its south arcs
     *     {@code (i, j) -> (i+1, j)}; from node 0 to the last node
     */
    public static ShortestPathOracle grid(int rows, int cols) {
        if (rows < 1 || cols < 1 || rows * cols < 2) {
            throw new IllegalArgumentException("a grid needs at least two nodes, got " + rows + " x " + cols);
        }
        int arcs = rows * (cols - 1) + (rows - 1) * cols;
        int[] tail = new int[arcs];
        int[] head = new int[arcs];
        int a = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols - 1; j++, a++) {
                tail[a] = i * cols + j;
                head[a] = tail[a] + 1;
            }
            for (int j = 0; i < rows - 1 && j < cols; j++, a++) {
                tail[a] = i * cols + j;
                head[a] = tail[a] + cols;
            }
        }
        return new ShortestPathOracle(rows * cols, tail, head, 0, rows * cols - 1);
    }

    @Override
    public int dimension() {
        return tail.length;
    }

    @Override
    public long workPerSolve() {
        return 4L * tail.length;
    }

    /** @return the tails of the arcs (a copy) */
    public int[] tails() {
        return tail.clone();
    }

    /** @return the heads of the arcs (a copy) */
    public int[] heads() {
        return head.clone();
    }

    /** @return the number of nodes */
    public int nodes() {
        return nodes;
    }

    /** @return the start node */
    public int source() {
        return source;
    }

    /** @return the end node */
    public int sink() {
        return sink;
    }

    /**
     * @return the flow polytope, the LP relaxation of the paths: {@code A w = b} (flow conservation, in-flow minus
     *     out-flow equal to -1 at the source and 0 elsewhere, every node but the sink) and {@code w >= 0}; on a DAG
     *     its vertices are the paths (and {@code w <= 1} holds on it)
     */
    public Polyhedron relaxation() {
        int arcs = tail.length;
        double[] a = new double[(nodes - 1) * arcs];
        double[] b = new double[nodes - 1];
        for (int e = 0; e < arcs; e++) {
            int[] ends = {tail[e], head[e]};
            for (int k = 0; k < 2; k++) {
                int v = ends[k];
                int row = v < sink ? v : v - 1;
                if (v != sink) {
                    a[row * arcs + e] += k == 0 ? -1 : 1;
                }
            }
        }
        b[source < sink ? source : source - 1] = -1;
        double[] g = new double[arcs * arcs];
        for (int e = 0; e < arcs; e++) {
            g[e * arcs + e] = -1;
        }
        return new Polyhedron(Tensor.wrap(a, nodes - 1, arcs), Tensor.wrap(b, nodes - 1), Tensor.wrap(g, arcs, arcs),
                Tensor.zeros(arcs));
    }

    @Override
    public double[] solve(double[] cost) {
        Oracle.checkCost(cost, tail.length);
        double[] dist = new double[nodes];
        int[] via = new int[nodes];
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        Arrays.fill(via, -1);
        dist[source] = 0;
        for (int a : order) {
            double d = dist[tail[a]] + cost[a];
            if (d < dist[head[a]]) {
                dist[head[a]] = d;
                via[head[a]] = a;
            }
        }
        if (dist[sink] == Double.POSITIVE_INFINITY) {
            throw new OracleException("no path from node " + source + " to node " + sink, Status.INFEASIBLE, -1);
        }
        double[] w = new double[tail.length];
        for (int v = sink; v != source; v = tail[via[v]]) {
            w[via[v]] = 1;
        }
        return w;
    }
}
