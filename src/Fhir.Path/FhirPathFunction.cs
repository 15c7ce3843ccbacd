using Fhir.Path.Functions;

namespace Fhir.Path;

/// <summary>
/// The body of a function added to the engine: <paramref name="input"/> is the collection the function is invoked on,
/// <paramref name="arguments"/> the arguments evaluated against the same focus the built-in functions use (or, for
/// <see cref="FhirPathArgumentKind.TypeName"/>, each type name as one string), <paramref name="context"/> the evaluation's context.
/// </summary>
/// <exception cref="FhirPathException">A failure of the call (an execution error).</exception>
public delegate IReadOnlyList<object> FhirPathFunctionBody(
    IReadOnlyList<object> input, IReadOnlyList<IReadOnlyList<object>> arguments, EvaluationContext context);

/// <summary>How the arguments of a function added to the engine are passed.</summary>
public enum FhirPathArgumentKind
{
    /// <summary>Each argument is an expression, evaluated before the call.</summary>
    Value,

    /// <summary>Each argument is a type specifier (<c>Patient</c>, <c>FHIR.Patient</c>), passed as its name without the namespace.</summary>
    TypeName,
}

/// <summary>
/// A function that users of the engine add to FHIRPath through <see cref="CompileOptions.Functions"/>, as SQL on FHIR adds
/// <c>getResourceKey()</c> and <c>getReferenceKey()</c>. An added function takes the place of a built-in one of the same
/// name (a dialect may define it differently). Immutable.
/// </summary>
public sealed class FhirPathFunction
{
    /// <summary>Creates a function.</summary>
    /// <param name="name">Its name, as written in expressions.</param>
    /// <param name="minArgs">The fewest arguments it takes.</param>
    /// <param name="maxArgs">The most arguments it takes.</param>
    /// <param name="body">What it does.</param>
    /// <param name="arguments">How its arguments are passed.</param>
    public FhirPathFunction(string name, int minArgs, int maxArgs, FhirPathFunctionBody body, FhirPathArgumentKind arguments = FhirPathArgumentKind.Value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(minArgs);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArgs, minArgs);
        Name = name;
        Arguments = arguments;
        Definition = new FunctionDef(name, minArgs, maxArgs, (frame, focus, input, site) =>
        {
            var values = new IReadOnlyList<object>[site.Args.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = site.Args[i](frame, focus);
            }
            return body(input, values, frame.Context);
        }, Pure: false);
    }

    /// <summary>The function's name.</summary>
    public string Name { get; }

    /// <summary>How its arguments are passed.</summary>
    public FhirPathArgumentKind Arguments { get; }

    internal FunctionDef Definition { get; }
}
