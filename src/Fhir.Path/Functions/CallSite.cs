using Fhir.Path.Evaluation;
using Fhir.Path.Parsing;

namespace Fhir.Path.Functions;

/// <summary>One call of a function in a compiled expression: its arguments, position and per-call caches.</summary>
internal sealed class CallSite(string name, int position, Evaluator[] args, IReadOnlyList<Node> argNodes)
{
    public string Name { get; } = name;

    public int Position { get; } = position;

    public Evaluator[] Args { get; } = args;

    public IReadOnlyList<Node> ArgNodes { get; } = argNodes;

    /// <summary>For <c>is</c>, <c>as</c>, <c>ofType</c>: the type argument as written.</summary>
    public TypeName? TypeArgument { get; set; }

    /// <summary>For <c>is</c>, <c>as</c>, <c>ofType</c>: the type argument resolved (null when unknown).</summary>
    public ResolvedType? ResolvedType { get; set; }

    /// <summary>For <c>as()</c>: fail on more than one input item instead of filtering (see <see cref="CompileOptions.AsRequiresSingleton"/>).</summary>
    public bool AsRequiresSingleton { get; set; }

    /// <summary>A per-call cache for functions that can prepare work once (a compiled regular expression).</summary>
    public object? Cache { get; set; }

    public FhirPathException Fail(string message) => new(FhirPathErrorKind.Execution, $"{Name}(): {message}", null, Position);
}
