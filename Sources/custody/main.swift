print("custody: not built yet")
