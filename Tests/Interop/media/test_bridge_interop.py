"""Issue 4 §2 last point: a plain RTP G.711 leg (a UDP socket here, sending PCMU) bridged to aiortc over
DTLS-SRTP/Opus. aiortc must hear the PCMU tone; the carrier socket must hear aiortc's tone as PCMU."""
import asyncio
import socket
import struct

import numpy as np
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


class CarrierLeg(asyncio.DatagramProtocol):
    """The carrier side: sends 20 ms PCMU packets of a tone, collects the PCMU it receives."""

    def __init__(self):
        self.received = bytearray()
        self.packets = 0

    def datagram_received(self, data: bytes, addr) -> None:
        if len(data) > 12 and data[1] & 0x7F == 0:
            csrc = data[0] & 0x0F
            self.received += data[12 + 4 * csrc:]
            self.packets += 1


async def send_tone(transport, address, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    sequence, timestamp, ssrc = 1000, 0, 0x1234
    sent = 0
    while sent < seconds * 50:
        t = (np.arange(160) + sent * 160) / 8000
        pcm = (8000 * np.sin(2 * np.pi * CARRIER_TONE * t)).astype(np.int16)
        header = struct.pack("!BBHII", 0x80, 0, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc)
        transport.sendto(header + mulaw_encode(pcm), address)
        sequence += 1
        timestamp += 160
        sent += 1
        await asyncio.sleep(max(0, start + sent * 0.02 - loop.time()))


async def bridged_call():
    pc = RTCPeerConnection()
    pc.addTrack(ToneTrack(AGENT_TONE))
    remote_track = asyncio.get_running_loop().create_future()
    pc.on("track", lambda track: remote_track.done() or remote_track.set_result(track))
    harness = await Harness.start("--mode", "answer", "--carrier", "pcmu", "--duration", "8")
    loop = asyncio.get_running_loop()
    transport = None
    try:
        line = await harness.read_line()
        assert line.startswith("RTP_PORT "), line
        carrier_port = int(line.split()[1])
        transport, carrier = await loop.create_datagram_endpoint(CarrierLeg, local_addr=("127.0.0.1", 0), family=socket.AF_INET)
        sender = asyncio.create_task(send_tone(transport, ("127.0.0.1", carrier_port), seconds=7))
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


def test_pcmu_leg_bridged_to_aiortc() -> None:
    heard, carrier_audio, lines = asyncio.run(asyncio.wait_for(bridged_call(), 60))
    assert any(line.startswith("CONNECTED") for line in lines), lines
    assert len(heard) >= 2.5 * 48000, f"aiortc heard {len(heard) / 48000:.2f} s"
    frequency = dominant_frequency(heard[48000 // 2:])
    assert abs(frequency - CARRIER_TONE) <= 5, f"aiortc heard {frequency:.1f} Hz"
    pcm = mulaw_decode(carrier_audio)
    assert len(pcm) >= 2 * 8000, f"carrier heard {len(pcm) / 8000:.2f} s"
    frequency = dominant_frequency(pcm[4000:], rate=8000)
    assert abs(frequency - AGENT_TONE) <= 5, f"carrier heard {frequency:.1f} Hz"
