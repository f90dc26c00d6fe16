#ifndef SWITCHBOARD_CMEDIASHIMS_H
#define SWITCHBOARD_CMEDIASHIMS_H
/* Wrappers for what Swift cannot call directly: variadic opus_*_ctl requests
   and function-like OpenSSL macros. Every function is prefixed `sb_`. */
#include <opus/opus.h>
#include <openssl/ssl.h>

static inline int sb_opus_encoder_set_bitrate(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_BITRATE(v)); }
static inline int sb_opus_encoder_set_complexity(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(v)); }
static inline int sb_opus_encoder_set_inband_fec(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(v)); }
static inline int sb_opus_encoder_set_packet_loss_perc(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(v)); }
static inline int sb_opus_encoder_set_dtx(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_DTX(v)); }
static inline int sb_opus_encoder_get_bitrate(OpusEncoder *e, opus_int32 *v) { return opus_encoder_ctl(e, OPUS_GET_BITRATE(v)); }

/* libsrtp2's srtp_init is not thread-safe and registers global cipher tables: every caller in the
   process (Media, tests) goes through this one pthread_once, which returns the single init's status. */
int sb_srtp_init_once(void);

static inline long sb_ssl_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }
static inline int sb_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int v) { return (int)SSL_CTX_set_min_proto_version(ctx, v); }
static inline int sb_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int v) { return (int)SSL_CTX_set_max_proto_version(ctx, v); }
static inline uint64_t sb_ssl_op_no_query_mtu(void) { return (uint64_t)SSL_OP_NO_QUERY_MTU; }
static inline long sb_dtls_get_timeout(SSL *ssl, struct timeval *tv) { return DTLSv1_get_timeout(ssl, tv); }
static inline long sb_dtls_handle_timeout(SSL *ssl) { return DTLSv1_handle_timeout(ssl); }
#endif
