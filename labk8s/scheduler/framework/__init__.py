"""The scheduling framework: extension points, Status, CycleState, PodInfo/NodeInfo and the runner."""
