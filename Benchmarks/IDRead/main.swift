print("id-read-bench: being written")
