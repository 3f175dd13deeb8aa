/**
 * Decision-focused learning (predict-then-optimize): {@link io.foldopt.nn.dfl.Oracle}s that solve
 * {@code min_{w ∈ S} c^T w} for a cost vector, in parallel over a batch and cached per cost vector, and
 * {@link io.foldopt.nn.dfl.DecisionLoss}es that train a model predicting the costs through the decisions they lead
 * to, such as {@link io.foldopt.nn.dfl.SpoPlus}; {@link io.foldopt.nn.dfl.Regret} measures the result.
 */
package io.foldopt.nn.dfl;
