/**
 * Exact LP and MIP oracles for decision-focused learning through Google OR-Tools
 * ({@link io.foldopt.ortools.OrToolsOracle}), an optional module: its native library is for linux-x86_64.
 */
package io.foldopt.ortools;
