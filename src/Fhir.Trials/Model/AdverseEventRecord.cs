namespace Fhir.Trials.Model;

/// <summary>One adverse event.</summary>
/// <param name="System">The event's code system (MedDRA).</param>
/// <param name="Code">The MedDRA code.</param>
/// <param name="Display">The code's display, or null.</param>
/// <param name="Date">When it occurred.</param>
/// <param name="Grade">CTCAE grade 1-5, or null when not graded.</param>
/// <param name="IsSerious">True when its seriousness is <c>serious</c>.</param>
/// <param name="LedToDiscontinuation">True when the action taken was <c>drug-withdrawn</c>.</param>
/// <param name="Id">The AdverseEvent's logical id, or null (built by hand).</param>
public sealed record AdverseEventRecord(string System, string Code, string? Display, DateOnly Date, int? Grade, bool IsSerious, bool LedToDiscontinuation, string? Id = null);
