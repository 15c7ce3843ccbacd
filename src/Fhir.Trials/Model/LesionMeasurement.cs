namespace Fhir.Trials.Model;

/// <summary>One target lesion's diameter at one scan (a <c>lesion-measurement</c> Observation).</summary>
/// <param name="Id">The Observation's logical id.</param>
/// <param name="Date">The scan date.</param>
/// <param name="Millimetres">The longest diameter (short axis for a lymph node), in millimetres.</param>
public sealed record LesionMeasurement(string Id, DateOnly Date, double Millimetres);
