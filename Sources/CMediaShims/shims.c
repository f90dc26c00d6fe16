/* Most shims are header-only (static inline); what needs process-wide state lives here. */
#include "CMediaShims.h"
#include <pthread.h>
#include <srtp2/srtp.h>

static pthread_once_t sb_srtp_once = PTHREAD_ONCE_INIT;
static int sb_srtp_status = -1;

static void sb_srtp_init_body(void) { sb_srtp_status = (int)srtp_init(); }

int sb_srtp_init_once(void) {
    pthread_once(&sb_srtp_once, sb_srtp_init_body);
    return sb_srtp_status;
}
