"""Shared helpers for the media interop tests (a plain module, not conftest.py, so that it cannot clash with
other suites' conftest modules): start the Swift harness, talk SDP over its stdin/stdout,
generate and analyse tones. A missing harness binary is a failure, never a skip."""
import asyncio
import fractions
import os
import re

import numpy as np
from aiortc.mediastreams import AudioStreamTrack
from av import AudioFrame

SAMPLE_RATE = 48_000


def harness_path() -> str:
    bin_dir = os.environ.get("SWITCHBOARD_BIN_DIR")
    assert bin_dir, "SWITCHBOARD_BIN_DIR must point at `swift build --show-bin-path`"
    path = os.path.join(bin_dir, "switchboard-media-harness")
    assert os.access(path, os.X_OK), f"harness not built: {path}"
    return path


class Harness:
    """One running switchboard-media-harness process, killed on close."""

    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.lines: list[str] = []

    @classmethod
    async def start(cls, *args: str) -> "Harness":
        process = await asyncio.create_subprocess_exec(
            harness_path(), *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        harness = cls(process)
        line = await harness.read_line(timeout=20)
        assert line.startswith("PORT "), f"unexpected first line {line!r}"
        harness.port = int(line.split()[1])
        return harness

    async def read_line(self, timeout: float = 20) -> str:
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not raw:
            err = await self.process.stderr.read()
            raise AssertionError(f"harness exited early: {err.decode(errors='replace')[-2000:]}")
        line = raw.decode().rstrip("\n")
        self.lines.append(line)
        return line

    async def read_sdp(self, header: str) -> str:
        line = await self.read_line()
        assert line == header, f"expected {header}, got {line!r}"
        body = []
        while (line := await self.read_line()) != "END":
            body.append(line)
        return "\r\n".join(body) + "\r\n"

    async def write_sdp(self, sdp: str) -> None:
        text = sdp.replace("\r\n", "\n").rstrip("\n") + "\nEND\n"
        self.process.stdin.write(text.encode())
        await self.process.stdin.drain()

    async def wait_done(self, timeout: float) -> str:
        while True:
            line = await self.read_line(timeout=timeout)
            if line.startswith("DONE"):
                return line

    async def close(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


class ToneTrack(AudioStreamTrack):
    """An aiortc audio track playing a sine tone, 20 ms frames of 48 kHz mono s16."""

    def __init__(self, frequency: float):
        super().__init__()
        self.frequency = frequency
        self.samples_sent = 0

    async def recv(self) -> AudioFrame:
        await super().recv()  # paces 20 ms frames in real time (its own frames are 8 kHz silence)
        count = SAMPLE_RATE // 50
        t = (np.arange(count) + self.samples_sent) / SAMPLE_RATE
        pcm = (8000 * np.sin(2 * np.pi * self.frequency * t)).astype(np.int16)
        tone = AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        tone.sample_rate = SAMPLE_RATE
        tone.pts = self.samples_sent
        self.samples_sent += count
        tone.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return tone


async def collect_audio(track, seconds: float, timeout: float) -> np.ndarray:
    """Receives decoded frames from an aiortc remote track; returns mono int16 at 48 kHz (possibly empty)."""
    chunks = []
    total = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while total < seconds * SAMPLE_RATE and loop.time() < deadline:
        try:
            frame = await asyncio.wait_for(track.recv(), max(0.1, deadline - loop.time()))
        except (asyncio.TimeoutError, Exception):
            break
        data = frame.to_ndarray()
        channels = len(frame.layout.channels)
        mono = data.reshape(-1)[::channels] if not frame.format.is_planar else data[0]
        chunks.append(mono.astype(np.int16))
        total += len(mono)
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def dominant_frequency(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """Frequency of the largest FFT bin (Hann window), in Hz."""
    signal = samples.astype(np.float64)
    signal -= signal.mean()
    spectrum = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    spectrum[:3] = 0
    peak = int(np.argmax(spectrum))
    return peak * rate / len(signal)


def tamper_fingerprint(sdp: str) -> str:
    """Flips the first byte of the sha-256 fingerprint."""
    def flip(match: re.Match) -> str:
        first = int(match.group(1), 16) ^ 0xFF
        return f"a=fingerprint:sha-256 {first:02X}:"
    return re.sub(r"a=fingerprint:sha-256 ([0-9A-Fa-f]{2}):", flip, sdp, count=1)
