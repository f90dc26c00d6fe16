#ifndef SWITCHBOARD_CROUTINGSHIMS_H
#define SWITCHBOARD_CROUTINGSHIMS_H

/// Pins the calling thread to one CPU (Linux `sched_setaffinity`, which Swift's Glibc module does not
/// export without _GNU_SOURCE). Returns 0 on success, -1 when the CPU is out of range or not allowed
/// (the thread's placement is then unchanged), or when the platform has no CPU affinity.
int sb_routing_pin_current_thread(int cpu);

/// Lets the calling thread run on every online CPU again. Returns 0 on success, -1 otherwise.
int sb_routing_unpin_current_thread(void);

/// The number of CPUs this process may run on (its affinity mask), at least 1.
int sb_routing_allowed_cpu_count(void);

#endif
