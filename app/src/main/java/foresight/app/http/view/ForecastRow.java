package foresight.app.http.view;

/** One 15-minute interval of the wallboard's forecast: calls expected and agents needed. */
public record ForecastRow(String interval, double calls, int agentsNeeded) {}
