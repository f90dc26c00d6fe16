#define _GNU_SOURCE
#include "CRoutingShims.h"

#if defined(__linux__)
#include <sched.h>
#include <unistd.h>

int sb_routing_pin_current_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -1;
}

int sb_routing_unpin_current_thread(void) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online < 1) return -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    for (long cpu = 0; cpu < online && cpu < CPU_SETSIZE; cpu++) CPU_SET((int)cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : -1;
}

int sb_routing_allowed_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}
#else
int sb_routing_pin_current_thread(int cpu) { (void)cpu; return -1; }
int sb_routing_unpin_current_thread(void) { return -1; }
int sb_routing_allowed_cpu_count(void) { return 1; }
#endif
