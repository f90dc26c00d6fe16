#ifndef SWITCHBOARD_COPUS_SHIM_H
#define SWITCHBOARD_COPUS_SHIM_H
#include <opus/opus.h>
#endif
