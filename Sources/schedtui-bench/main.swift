// schedtui's benchmarks: each prints its figures; none asserts a time. See README "Benchmarks".
import Engine
import Schedules

print("schedtui-bench: no benchmarks yet")
