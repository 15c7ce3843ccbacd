using System.Collections.Concurrent;
using Fhir.Core.Definitions;
using Fhir.Path.Checking;
using Fhir.Path.Evaluation;
using Fhir.Path.Parsing;

namespace Fhir.Path;

/// <summary>
/// Compiles FHIRPath expressions. Compilations are cached by expression text and options, so calling
/// <see cref="Compile"/> on every use is cheap; compiled expressions are immutable and thread-safe.
/// </summary>
public static class FhirPathCompiler
{
    private const int MaxCachedExpressions = 20_000;
    private static readonly ConcurrentDictionary<(string Expression, CompileOptions Options), CompiledExpression> Cache = new();

    /// <summary>Parses, checks and compiles an expression (or returns the cached compilation).</summary>
    /// <param name="expression">The FHIRPath expression.</param>
    /// <param name="options">How to compile it; <see cref="CompileOptions.Default"/> when null.</param>
    /// <exception cref="FhirPathException">A syntax error, or a semantic error found by type checking, with its position.</exception>
    public static CompiledExpression Compile(string expression, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        options ??= CompileOptions.Default;
        var key = (expression, options);
        if (Cache.TryGetValue(key, out var cached))
        {
            return cached;
        }
        var compiled = Build(expression, options);
        if (Cache.Count >= MaxCachedExpressions)
        {
            Cache.Clear();
        }
        return Cache.GetOrAdd(key, compiled);
    }

    /// <summary>Compiles an expression, reporting failure as a value instead of an exception.</summary>
    /// <returns>True when the expression compiled.</returns>
    public static bool TryCompile(string expression, out CompiledExpression? compiled, out FhirPathException? error, CompileOptions? options = null)
    {
        try
        {
            compiled = Compile(expression, options);
            error = null;
            return true;
        }
        catch (FhirPathException e)
        {
            compiled = null;
            error = e;
            return false;
        }
    }

    private static CompiledExpression Build(string expression, CompileOptions options)
    {
        var definitions = options.Definitions ?? FhirDefinitions.R4;
        try
        {
            var syntax = Parser.Parse(expression);
            var resultType = TypeChecker.Check(syntax, options, definitions);
            var evaluator = new ExpressionCompiler(options, definitions).Compile(syntax);
            return new CompiledExpression(expression, options, evaluator, resultType);
        }
        catch (FhirPathException e)
        {
            throw e.WithExpression(expression);
        }
    }
}
