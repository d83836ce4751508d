package foresight.call;

/** What a supervisor on a monitoring leg may do: listen only, talk to the agent alone (whisper), or to both (barge). */
public enum MonitorMode { LISTEN, WHISPER, BARGE }
