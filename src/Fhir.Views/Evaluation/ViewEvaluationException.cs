namespace Fhir.Views.Evaluation;

/// <summary>
/// A view that cannot give a row for a resource (a column path that gives several values without <c>collection</c>, a
/// where path that is not boolean, a failing expression). Thrown inside one resource's evaluation and turned into an
/// issue by <see cref="ViewRunner"/>; it never leaves the library.
/// </summary>
internal sealed class ViewEvaluationException(string message, string location, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Where in the view (<c>ViewDefinition.select[0].column[1].path</c>).</summary>
    public string Location { get; } = location;
}
