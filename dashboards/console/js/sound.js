// A short alarm for critical hits (WebAudio, no sound file). Browsers only allow audio after a user
// gesture, so the audio context is created on the first click or key press; until then the toggle says so.

const MUTE_KEY = 'console.muted';
const MIN_GAP_MS = 2000;

/** Creates the alarm; `onChange(state)` is told about mute and unlock changes (`{muted, ready}`). */
export function createAlarm({ storage = globalThis.localStorage, onChange = () => {} } = {}) {
  let ctx = null;
  let lastBeep = 0;
  let muted = false;
  try {
    muted = storage?.getItem(MUTE_KEY) === '1';
  } catch {
    muted = false;
  }
  const state = () => ({ muted, ready: Boolean(ctx && ctx.state === 'running') });

  const unlock = () => {
    const AudioCtx = globalThis.AudioContext ?? globalThis.webkitAudioContext;
    if (!AudioCtx) return;
    if (!ctx) ctx = new AudioCtx();
    if (ctx.state === 'suspended') void ctx.resume().then(() => onChange(state()));
    onChange(state());
  };
  if (globalThis.document) {
    const once = () => {
      unlock();
      if (ctx?.state === 'running') {
        document.removeEventListener('pointerdown', once, true);
        document.removeEventListener('keydown', once, true);
      }
    };
    document.addEventListener('pointerdown', once, true);
    document.addEventListener('keydown', once, true);
  }

  const tone = (freq, start, length) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.18, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + length + 0.02);
  };

  return {
    /** Two short high tones; skipped when muted, not yet allowed, or sounded within the last 2 s (a burst of hits). */
    beep() {
      if (muted || !ctx || ctx.state !== 'running') return false;
      const nowMs = Date.now();
      if (nowMs - lastBeep < MIN_GAP_MS) return false;
      lastBeep = nowMs;
      const t0 = ctx.currentTime + 0.01;
      tone(1046, t0, 0.14);
      tone(1046, t0 + 0.2, 0.14);
      return true;
    },
    setMuted(next) {
      muted = Boolean(next);
      try {
        storage?.setItem(MUTE_KEY, muted ? '1' : '0');
      } catch {
        // Not remembered.
      }
      unlock();
      onChange(state());
    },
    state,
  };
}
