#define _GNU_SOURCE
#include "CRoutingShims.h"

#if defined(__linux__)
#include <sched.h>

int sb_routing_pin_current_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -1;
}

int sb_routing_current_cpu(void) { return sched_getcpu(); }
#else
int sb_routing_pin_current_thread(int cpu) { (void)cpu; return -1; }
int sb_routing_current_cpu(void) { return -1; }
#endif
