"""Issue 4 §2 last point: a plain RTP G.711 leg (a UDP socket here, sending PCMU or PCMA) bridged to aiortc over
DTLS-SRTP/Opus. aiortc must hear the carrier's tone; the carrier socket must hear aiortc's tone as G.711 of the
same law."""
import asyncio
import socket
import struct

import numpy as np
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from media_helpers import Harness, ToneTrack, collect_audio, dominant_frequency

CARRIER_TONE = 800
AGENT_TONE = 1000


def mulaw_encode(pcm: np.ndarray) -> bytes:
    """G.711 µ-law encoder (ITU-T G.711), written here independently of the Swift code."""
    bias, clip = 0x84, 32635
    x = pcm.astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), clip) + bias
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ((~(sign | (exponent << 4) | mantissa)) & 0xFF).astype(np.uint8).tobytes()


def mulaw_decode(data: bytes) -> np.ndarray:
    u = ~np.frombuffer(data, dtype=np.uint8).astype(np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    mantissa = u & 0x0F
    magnitude = ((mantissa << 3) + 0x84) << exponent
    return np.where(u & 0x80, 0x84 - magnitude, magnitude - 0x84).astype(np.int16)


ALAW_SEGMENT_ENDS = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])


def alaw_encode(pcm: np.ndarray) -> bytes:
    """G.711 A-law encoder (ITU-T G.711, as in the classic Sun g711.c), written here independently of the Swift code."""
    x = pcm.astype(np.int32) >> 3
    mask = np.where(x >= 0, 0xD5, 0x55)
    x = np.where(x >= 0, x, -x - 1)
    segment = np.searchsorted(ALAW_SEGMENT_ENDS, x)
    mantissa = np.where(segment < 2, x >> 1, x >> np.maximum(segment, 1)) & 0x0F
    value = np.where(segment >= 8, 0x7F, (np.minimum(segment, 7) << 4) | mantissa)
    return (value ^ mask).astype(np.uint8).tobytes()


def alaw_decode(data: bytes) -> np.ndarray:
    a = np.frombuffer(data, dtype=np.uint8).astype(np.int32) ^ 0x55
    mantissa = (a & 0x0F) << 4
    segment = (a & 0x70) >> 4
    magnitude = np.where(segment == 0, mantissa + 8, (mantissa + 0x108) << np.maximum(segment - 1, 0))
    return np.where(a & 0x80, magnitude, -magnitude).astype(np.int16)


LAWS = {
    "pcmu": (0, mulaw_encode, mulaw_decode),
    "pcma": (8, alaw_encode, alaw_decode),
}


class CarrierLeg(asyncio.DatagramProtocol):
    """The carrier side: collects the G.711 payloads of the given payload type it receives."""

    def __init__(self, payload_type: int):
        self.payload_type = payload_type
        self.received = bytearray()
        self.packets = 0

    def datagram_received(self, data: bytes, addr) -> None:
        if len(data) > 12 and data[1] & 0x7F == self.payload_type:
            csrc = data[0] & 0x0F
            self.received += data[12 + 4 * csrc:]
            self.packets += 1


async def send_tone(transport, address, seconds: float, law: str) -> None:
    payload_type, encode, _ = LAWS[law]
    loop = asyncio.get_running_loop()
    start = loop.time()
    sequence, timestamp, ssrc = 1000, 0, 0x1234
    sent = 0
    while sent < seconds * 50:
        t = (np.arange(160) + sent * 160) / 8000
        pcm = (8000 * np.sin(2 * np.pi * CARRIER_TONE * t)).astype(np.int16)
        header = struct.pack("!BBHII", 0x80, payload_type, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc)
        transport.sendto(header + encode(pcm), address)
        sequence += 1
        timestamp += 160
        sent += 1
        await asyncio.sleep(max(0, start + sent * 0.02 - loop.time()))


async def bridged_call(law: str):
    pc = RTCPeerConnection()
    pc.addTrack(ToneTrack(AGENT_TONE))
    remote_track = asyncio.get_running_loop().create_future()
    pc.on("track", lambda track: remote_track.done() or remote_track.set_result(track))
    harness = await Harness.start("--mode", "answer", "--carrier", law, "--duration", "8")
    loop = asyncio.get_running_loop()
    transport = None
    try:
        line = await harness.read_line()
        assert line.startswith("RTP_PORT "), line
        carrier_port = int(line.split()[1])
        transport, carrier = await loop.create_datagram_endpoint(lambda: CarrierLeg(LAWS[law][0]), local_addr=("127.0.0.1", 0), family=socket.AF_INET)
        sender = asyncio.create_task(send_tone(transport, ("127.0.0.1", carrier_port), seconds=7, law=law))
        await pc.setLocalDescription(await pc.createOffer())
        await harness.write_sdp(pc.localDescription.sdp)
        answer = await harness.read_sdp("ANSWER")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        track = await asyncio.wait_for(remote_track, 10)
        heard = await collect_audio(track, seconds=3.0, timeout=6)
        done = await harness.wait_done(timeout=15)
        sender.cancel()
        return heard, bytes(carrier.received), harness.lines + [done]
    finally:
        if transport:
            transport.close()
        await pc.close()
        await harness.close()


def test_g711_laws_agree_with_reference_points() -> None:
    """The test's own coders against G.711 code points, so a wrong helper cannot pass the interop test."""
    samples = np.array([0, -1, 8, -8, 1000, -1000, 32767, -32768], dtype=np.int16)
    assert list(alaw_encode(samples)) == [0xD5, 0x55, 0xD5, 0x55, 0xFA, 0x7A, 0xAA, 0x2A]  # as CPython audioop.lin2alaw
    assert list(alaw_decode(bytes([0xD5, 0x55, 0xAA, 0x2A]))) == [8, -8, 32256, -32256]
    tone = (8000 * np.sin(2 * np.pi * 440 * np.arange(800) / 8000)).astype(np.int16)
    for law in LAWS.values():
        error = np.abs(law[2](law[1](tone)).astype(np.int32) - tone)
        assert error.max() <= 8000 // 16 + 16


@pytest.mark.parametrize("law", ["pcmu", "pcma"])
def test_g711_leg_bridged_to_aiortc(law: str) -> None:
    heard, carrier_audio, lines = asyncio.run(asyncio.wait_for(bridged_call(law), 60))
    assert any(line.startswith("CONNECTED") for line in lines), lines
    assert len(heard) >= 2.5 * 48000, f"aiortc heard {len(heard) / 48000:.2f} s"
    frequency = dominant_frequency(heard[48000 // 2:])
    assert abs(frequency - CARRIER_TONE) <= 5, f"aiortc heard {frequency:.1f} Hz"
    pcm = LAWS[law][2](carrier_audio)
    assert len(pcm) >= 2 * 8000, f"carrier heard {len(pcm) / 8000:.2f} s"
    frequency = dominant_frequency(pcm[4000:], rate=8000)
    assert abs(frequency - AGENT_TONE) <= 5, f"carrier heard {frequency:.1f} Hz"
