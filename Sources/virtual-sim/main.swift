print("virtual-sim: not built yet")
