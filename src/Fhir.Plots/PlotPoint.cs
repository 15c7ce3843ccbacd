namespace Fhir.Plots;

/// <summary>A point in data coordinates (x: months, or the participant's rank; y: survival, % change...).</summary>
/// <param name="X">The x value.</param>
/// <param name="Y">The y value.</param>
public readonly record struct PlotPoint(double X, double Y);
