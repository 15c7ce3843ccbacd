namespace Fhir.Path.Evaluation;

/// <summary>
/// A compiled expression node. <paramref name="focus"/> is the collection <c>$this</c> stands for in the
/// current scope: the input at the top, one item inside a function argument evaluated per item.
/// </summary>
internal delegate IReadOnlyList<object> Evaluator(Frame frame, IReadOnlyList<object> focus);
