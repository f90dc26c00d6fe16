/* The shims are header-only (static inline); this file gives SwiftPM a C source to compile. */
#include "CMediaShims.h"
