#include <opus/opus.h>
/* Raw-libopus reference for the benchmarks: the variadic ctl calls wrapped, as in CMediaShims. */
static inline int sb_bench_opus_configure(OpusEncoder *e, opus_int32 bitrate, opus_int32 complexity, opus_int32 fec, opus_int32 loss) {
    int r = opus_encoder_ctl(e, OPUS_SET_BITRATE(bitrate));
    r |= opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(complexity));
    r |= opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(fec));
    r |= opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(loss));
    return r;
}
