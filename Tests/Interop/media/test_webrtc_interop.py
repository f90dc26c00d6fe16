"""Issue 4 §2: our media endpoint against aiortc 1.16, a WebRTC peer no one here wrote."""
import asyncio
import os
import tempfile

import numpy as np
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from media_helpers import Harness, ToneTrack, collect_audio, dominant_frequency, tamper_fingerprint, SAMPLE_RATE

TIMEOUT = 45


async def exchange(mode: str, profile: str, record: str, duration: float, tamper: bool = False):
    """Runs one call; returns (audio aiortc heard, harness lines)."""
    pc = RTCPeerConnection()
    pc.addTrack(ToneTrack(1000))
    remote_track = asyncio.get_running_loop().create_future()
    pc.on("track", lambda track: remote_track.done() or remote_track.set_result(track))
    harness = await Harness.start("--mode", mode, "--srtp", profile, "--tone", "440",
                                  "--record", record, "--duration", str(duration))
    try:
        if mode == "answer":
            await pc.setLocalDescription(await pc.createOffer())
            offer = pc.localDescription.sdp
            await harness.write_sdp(tamper_fingerprint(offer) if tamper else offer)
            answer = await harness.read_sdp("ANSWER")
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        else:
            offer = await harness.read_sdp("OFFER")
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            answer = pc.localDescription.sdp
            await harness.write_sdp(tamper_fingerprint(answer) if tamper else answer)
        track = await asyncio.wait_for(remote_track, 10)
        heard = await collect_audio(track, seconds=3.0, timeout=duration - 1)
        await harness.wait_done(timeout=duration + 10)
        stats = await pc.getStats()
        sent = [s.packetsSent for s in stats.values() if s.type == "outbound-rtp"]
        # Our SRTCP sender reports reach aiortc: the SR shows up as remote-outbound-rtp, its report block
        # about aiortc's stream as remote-inbound-rtp.
        remote_out = [s.packetsSent for s in stats.values() if s.type == "remote-outbound-rtp"]
        remote_in = [s.packetsLost for s in stats.values() if s.type == "remote-inbound-rtp"]
        harness.lines.append(f"AIORTC sent={sent} remote_outbound={remote_out} remote_inbound={remote_in}")
        return heard, harness.lines
    finally:
        await pc.close()
        await harness.close()


def check_tone(samples: np.ndarray, expected: float) -> None:
    assert len(samples) >= 2.5 * SAMPLE_RATE, f"only {len(samples) / SAMPLE_RATE:.2f} s of audio"
    analysed = samples[SAMPLE_RATE // 2:]  # skip codec start-up
    assert len(analysed) >= 2 * SAMPLE_RATE
    frequency = dominant_frequency(analysed)
    assert abs(frequency - expected) <= 5, f"dominant {frequency:.1f} Hz, expected {expected} Hz"


@pytest.mark.parametrize("mode", ["answer", "offer"])
@pytest.mark.parametrize("profile", ["gcm", "cm"])
def test_call_with_aiortc(mode: str, profile: str) -> None:
    """DTLS completes with the forced SRTP profile; aiortc hears our 440 Hz, we decode its 1000 Hz."""
    with tempfile.TemporaryDirectory() as folder:
        record = os.path.join(folder, "received.raw")
        heard, lines = asyncio.run(asyncio.wait_for(exchange(mode, profile, record, duration=7), TIMEOUT))
        wanted = {"gcm": "SRTP_AEAD_AES_128_GCM", "cm": "SRTP_AES128_CM_SHA1_80"}[profile]
        assert f"CONNECTED {wanted}" in lines, lines
        assert not any(line.startswith("FAILED") for line in lines), lines
        check_tone(heard, 440)
        stats = next(line for line in lines if line.startswith("AIORTC "))
        assert "remote_outbound=[]" not in stats and "remote_inbound=[]" not in stats, stats
        done = next(line for line in lines if line.startswith("DONE"))
        assert "rtcp_rx=0" not in done and "forged=0" in done, done
        ours = np.fromfile(record, dtype=np.int16)
        check_tone(ours, 1000)


@pytest.mark.parametrize("mode", ["answer", "offer"])
def test_wrong_fingerprint_fails_without_media(mode: str) -> None:
    """A fingerprint that does not match the peer's certificate fails the session: no audio either way."""
    with tempfile.TemporaryDirectory() as folder:
        record = os.path.join(folder, "received.raw")
        heard, lines = asyncio.run(asyncio.wait_for(exchange(mode, "both", record, duration=5, tamper=True), TIMEOUT))
        assert any(line.startswith("FAILED") and "fingerprint" in line for line in lines), lines
        assert not any(line.startswith("CONNECTED") for line in lines), lines
        assert len(heard) == 0, f"aiortc heard {len(heard)} samples"
        done = next(line for line in lines if line.startswith("DONE"))
        assert "rx=0 " in done, done
