"""Issue 4: our media endpoint against a real browser — headless Chromium from Debian, driven by selenium.
Chromium offers and we answer, then the other way round (its own ICE, DTLS and SRTP stacks; it falls back to
DTLS 1.2 against OpenSSL 3.0).
Its microphone is a 1000 Hz WAV file (Chromium's fake capture); we decode it and check the frequency. Our 440 Hz
tone is analysed inside the page with WebAudio; getStats shows the negotiated DTLS version and SRTP cipher."""
import asyncio
import os
import tempfile
import wave

import numpy as np
import pytest
from interop import chromium, serve_html
from media_helpers import Harness, SAMPLE_RATE, dominant_frequency

PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body><audio id="out" autoplay muted></audio><script>
window.result = {};
window.pc = new RTCPeerConnection();
async function prepare() {
  const stream = await navigator.mediaDevices.getUserMedia({audio: true});
  stream.getTracks().forEach(t => pc.addTrack(t, stream));
  pc.ontrack = e => {
    document.getElementById('out').srcObject = e.streams[0] || new MediaStream([e.track]);
    const ctx = new AudioContext({sampleRate: 48000});
    const source = ctx.createMediaStreamSource(new MediaStream([e.track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 32768;
    source.connect(analyser);
    window.analyse = () => {
      const bins = new Float32Array(analyser.frequencyBinCount);
      analyser.getFloatFrequencyData(bins);
      let best = 0;
      for (let i = 1; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
      return {peakHz: best * ctx.sampleRate / analyser.fftSize, peakDb: bins[best], state: ctx.state};
    };
    ctx.resume();
  };
}
async function gathered() {
  await new Promise(done => {
    if (pc.iceGatheringState === 'complete') return done();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done();
    setTimeout(done, 3000);
  });
  return pc.localDescription.sdp;
}
async function offer() {
  await prepare();
  await pc.setLocalDescription(await pc.createOffer());
  return gathered();
}
async function answer(sdp) {
  await prepare();
  await pc.setRemoteDescription({type: 'offer', sdp});
  await pc.setLocalDescription(await pc.createAnswer());
  return gathered();
}
async function stats() {
  const report = await pc.getStats();
  const out = {};
  report.forEach(s => {
    if (s.type === 'transport') { out.dtlsState = s.dtlsState; out.tlsVersion = s.tlsVersion; out.srtpCipher = s.srtpCipher; }
    if (s.type === 'inbound-rtp' && s.kind === 'audio') { out.bytesReceived = s.bytesReceived; out.packetsReceived = s.packetsReceived; }
    if (s.type === 'outbound-rtp' && s.kind === 'audio') { out.packetsSent = s.packetsSent; }
  });
  return out;
}
</script></body></html>"""


def tone_wav(path, frequency, seconds=20, rate=SAMPLE_RATE):
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.4 * 32767 * np.sin(2 * np.pi * frequency * t)).astype(np.int16)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def browser_with_microphone(wav):
    return chromium("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-audio-capture={wav}", "--autoplay-policy=no-user-gesture-required")


async def call(browser, record, mode):
    harness = await Harness.start("--mode", mode, "--tone", "440", "--record", record, "--duration", "9")
    try:
        if mode == "answer":
            offer = browser.execute_async_script("offer().then(arguments[arguments.length - 1])")
            assert "a=fingerprint:sha-256" in offer and "opus/48000/2" in offer
            await harness.write_sdp(offer)
            answer = await harness.read_sdp("ANSWER")
            browser.execute_async_script(
                "pc.setRemoteDescription({type: 'answer', sdp: arguments[0]}).then(arguments[arguments.length - 1])", answer)
        else:
            offer = await harness.read_sdp("OFFER")
            answer = browser.execute_async_script("answer(arguments[0]).then(arguments[arguments.length - 1])", offer)
            assert "a=setup:active" in answer or "a=setup:passive" in answer
            await harness.write_sdp(answer)
        await asyncio.sleep(6)
        stats = browser.execute_async_script("stats().then(arguments[arguments.length - 1])")
        heard = browser.execute_script("return window.analyse ? window.analyse() : null")
        await harness.wait_done(timeout=20)
        return stats, heard, harness.lines
    finally:
        await harness.close()


@pytest.mark.parametrize("mode", ["answer", "offer"])
def test_chromium_call_audio_both_ways(mode):
    """mode "answer": Chromium offers and we answer; "offer": we offer and Chromium answers."""
    with tempfile.TemporaryDirectory() as folder:
        wav = os.path.join(folder, "mic.wav")
        record = os.path.join(folder, "received.raw")
        tone_wav(wav, 1000)
        server, url = serve_html(PAGE)
        browser = browser_with_microphone(wav)
        try:
            browser.set_script_timeout(30)
            browser.get(url)
            stats, heard, lines = asyncio.run(asyncio.wait_for(call(browser, record, mode), 60))
        finally:
            browser.quit()
            server.shutdown()
        assert any(line.startswith("CONNECTED ") for line in lines), lines
        assert not any(line.startswith("FAILED") for line in lines), lines
        assert stats["dtlsState"] == "connected" and stats["tlsVersion"] == "FEFD", stats  # DTLS 1.2
        # Both ends name the same negotiated SRTP profile (the DTLS server's preference decides).
        ours_profile = next(line for line in lines if line.startswith("CONNECTED ")).split()[1]
        names = {"SRTP_AES128_CM_HMAC_SHA1_80": "SRTP_AES128_CM_SHA1_80", "SRTP_AEAD_AES_128_GCM": "SRTP_AEAD_AES_128_GCM"}
        assert names.get(stats["srtpCipher"]) == ours_profile, (stats, ours_profile)
        assert stats["packetsReceived"] > 100 and stats["packetsSent"] > 100, stats
        assert heard and abs(heard["peakHz"] - 440) <= 5, heard
        ours = np.fromfile(record, dtype=np.int16)
        assert len(ours) >= 3 * SAMPLE_RATE, f"only {len(ours) / SAMPLE_RATE:.2f} s decoded"
        frequency = dominant_frequency(ours[SAMPLE_RATE:])
        assert abs(frequency - 1000) <= 5, f"dominant {frequency:.1f} Hz, expected 1000 Hz"
