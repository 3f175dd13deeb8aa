* The shortest-path problem of shortest-path.json: one unit of flow from node 0 to node 24
NAME          SHORTEST-PATH
ROWS
 N  cost
 E  node0
 E  node1
 E  node2
 E  node3
 E  node4
 E  node5
 E  node6
 E  node7
 E  node8
 E  node9
 E  node10
 E  node11
 E  node12
 E  node13
 E  node14
 E  node15
 E  node16
 E  node17
 E  node18
 E  node19
 E  node20
 E  node21
 E  node22
 E  node23
 E  node24
COLUMNS
    e0_1      node0     1   node1     -1
    e1_2      node1     1   node2     -1
    e2_3      node2     1   node3     -1
    e3_4      node3     1   node4     -1
    e0_5      node0     1   node5     -1
    e1_6      node1     1   node6     -1
    e2_7      node2     1   node7     -1
    e3_8      node3     1   node8     -1
    e4_9      node4     1   node9     -1
    e5_6      node5     1   node6     -1
    e6_7      node6     1   node7     -1
    e7_8      node7     1   node8     -1
    e8_9      node8     1   node9     -1
    e5_10     node5     1   node10    -1
    e6_11     node6     1   node11    -1
    e7_12     node7     1   node12    -1
    e8_13     node8     1   node13    -1
    e9_14     node9     1   node14    -1
    e10_11    node10    1   node11    -1
    e11_12    node11    1   node12    -1
    e12_13    node12    1   node13    -1
    e13_14    node13    1   node14    -1
    e10_15    node10    1   node15    -1
    e11_16    node11    1   node16    -1
    e12_17    node12    1   node17    -1
    e13_18    node13    1   node18    -1
    e14_19    node14    1   node19    -1
    e15_16    node15    1   node16    -1
    e16_17    node16    1   node17    -1
    e17_18    node17    1   node18    -1
    e18_19    node18    1   node19    -1
    e15_20    node15    1   node20    -1
    e16_21    node16    1   node21    -1
    e17_22    node17    1   node22    -1
    e18_23    node18    1   node23    -1
    e19_24    node19    1   node24    -1
    e20_21    node20    1   node21    -1
    e21_22    node21    1   node22    -1
    e22_23    node22    1   node23    -1
    e23_24    node23    1   node24    -1
RHS
    RHS  node0  1   node24  -1
BOUNDS
 UP BND  e0_1  1
 UP BND  e1_2  1
 UP BND  e2_3  1
 UP BND  e3_4  1
 UP BND  e0_5  1
 UP BND  e1_6  1
 UP BND  e2_7  1
 UP BND  e3_8  1
 UP BND  e4_9  1
 UP BND  e5_6  1
 UP BND  e6_7  1
 UP BND  e7_8  1
 UP BND  e8_9  1
 UP BND  e5_10  1
 UP BND  e6_11  1
 UP BND  e7_12  1
 UP BND  e8_13  1
 UP BND  e9_14  1
 UP BND  e10_11  1
 UP BND  e11_12  1
 UP BND  e12_13  1
 UP BND  e13_14  1
 UP BND  e10_15  1
 UP BND  e11_16  1
 UP BND  e12_17  1
 UP BND  e13_18  1
 UP BND  e14_19  1
 UP BND  e15_16  1
 UP BND  e16_17  1
 UP BND  e17_18  1
 UP BND  e18_19  1
 UP BND  e15_20  1
 UP BND  e16_21  1
 UP BND  e17_22  1
 UP BND  e18_23  1
 UP BND  e19_24  1
 UP BND  e20_21  1
 UP BND  e21_22  1
 UP BND  e22_23  1
 UP BND  e23_24  1
ENDATA
