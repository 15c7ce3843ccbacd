using Fhir.Core.Model;
using Fhir.Path.Evaluation;

namespace Fhir.Path;

/// <summary>
/// A compiled FHIRPath expression. Results are collections whose items are <see cref="ElementNode"/>s (elements of
/// the input, primitives included) or system values: <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="decimal"/>, <see cref="string"/>, <see cref="Types.FhirPathDate"/>, <see cref="Types.FhirPathDateTime"/>,
/// <see cref="Types.FhirPathTime"/>, <see cref="Types.FhirPathQuantity"/> or <see cref="Types.FhirPathTypeInfo"/>.
/// Result collections may be shared: do not modify them. Thread-safe.
/// </summary>
public sealed class CompiledExpression
{
    private readonly Evaluator _evaluator;

    internal CompiledExpression(string expression, CompileOptions options, Evaluator evaluator, string? resultType)
    {
        Expression = expression;
        Options = options;
        _evaluator = evaluator;
        ResultType = resultType;
    }

    /// <summary>The expression text.</summary>
    public string Expression { get; }

    /// <summary>The options it was compiled with.</summary>
    public CompileOptions Options { get; }

    /// <summary>
    /// The type of the result as far as type checking could tell (<c>FHIR.HumanName</c>, <c>System.Boolean</c>,
    /// several separated by <c>|</c>), or null when unknown (no root type, or types that depend on the data).
    /// </summary>
    public string? ResultType { get; }

    /// <summary>Evaluates the expression on a node (a resource, or any element); null is the empty collection.</summary>
    /// <exception cref="FhirPathException">An execution error (<see cref="FhirPathErrorKind.Execution"/>).</exception>
    public IReadOnlyList<object> Evaluate(ElementNode? input, EvaluationContext? context = null) =>
        EvaluateCollection(input is null ? Items.Empty : Items.Single(input), context);

    /// <summary>Evaluates the expression on a collection of nodes and system values (the result of another evaluation, say).</summary>
    /// <exception cref="FhirPathException">An execution error (<see cref="FhirPathErrorKind.Execution"/>).</exception>
    public IReadOnlyList<object> EvaluateCollection(IReadOnlyList<object> input, EvaluationContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var frame = new Frame(context ?? EvaluationContext.Default, input);
        try
        {
            return _evaluator(frame, input);
        }
        catch (FhirPathException e)
        {
            throw e.WithExpression(Expression);
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentException or FormatException or OverflowException
            or InvalidOperationException or NullReferenceException or IndexOutOfRangeException or KeyNotFoundException)
        {
            throw new FhirPathException(FhirPathErrorKind.Execution, $"the evaluation failed: {e.Message}", Expression, -1, e);
        }
    }

    /// <summary>
    /// Evaluates the expression as a condition (an invariant), following FHIRPath singleton evaluation: empty gives
    /// null, a single boolean itself, any other single item true.
    /// </summary>
    /// <exception cref="FhirPathException">An execution error, or a result of more than one item.</exception>
    public bool? EvaluateBoolean(ElementNode? input, EvaluationContext? context = null)
    {
        var result = Evaluate(input, context);
        return Functions.Args.Truth(result, message => new FhirPathException(FhirPathErrorKind.Execution, message, Expression));
    }

    /// <summary>
    /// Evaluates the expression expecting at most one item: null when empty; a primitive's system value (string,
    /// bool, int, decimal, FhirPathDate...) rather than its node; a complex node itself.
    /// </summary>
    /// <exception cref="FhirPathException">An execution error, or a result of more than one item.</exception>
    public object? Scalar(ElementNode? input, EvaluationContext? context = null)
    {
        var result = Evaluate(input, context);
        return result.Count switch
        {
            0 => null,
            1 => result[0] is ElementNode node ? (Values.IsPrimitive(node) ? Values.ToSystem(node) : node) : result[0],
            _ => throw new FhirPathException(FhirPathErrorKind.Execution, $"expected at most one item, found {result.Count}", Expression),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Expression;
}
