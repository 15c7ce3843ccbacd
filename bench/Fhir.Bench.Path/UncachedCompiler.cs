using System.Reflection;
using Fhir.Path;

namespace Fhir.Bench.Path;

/// <summary>
/// Compiles without the text-keyed cache of <see cref="FhirPathCompiler.Compile"/>, to time parse + type check +
/// closure building. The cache key is (text, options) with value equality on the options record, so no public
/// call misses it for the same text; the private <c>Build</c> the cache calls is bound once instead.
/// </summary>
internal static class UncachedCompiler
{
    private static readonly Func<string, CompileOptions, CompiledExpression> BuildMethod = Bind();

    public static CompiledExpression Compile(string expression, CompileOptions? options = null) =>
        BuildMethod(expression, options ?? CompileOptions.Default);

    private static Func<string, CompileOptions, CompiledExpression> Bind()
    {
        var method = typeof(FhirPathCompiler).GetMethod("Build", BindingFlags.NonPublic | BindingFlags.Static, [typeof(string), typeof(CompileOptions)])
            ?? throw new InvalidOperationException("FhirPathCompiler.Build(string, CompileOptions) is gone: update bench/Fhir.Bench.Path/UncachedCompiler.cs.");
        return method.CreateDelegate<Func<string, CompileOptions, CompiledExpression>>();
    }
}
