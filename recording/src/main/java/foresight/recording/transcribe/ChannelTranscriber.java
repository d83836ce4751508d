package foresight.recording.transcribe;

import java.util.List;

/** Speech to timed words for one channel of a recording (8 kHz PCM). Implemented by the app with the configured recogniser (Moonshine behind the VAD, or Vosk). */
@FunctionalInterface
public interface ChannelTranscriber {
    List<TimedWord> transcribe(short[] pcm8k) throws Exception;
}
