using System.Collections.Concurrent;
using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Path.Services;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;

namespace Fhir.Search.Indexing;

/// <summary>
/// Extracts the search index of a resource: evaluates the FHIRPath expression of every supported
/// search parameter of its type (compiled once, cached) and turns each value found into index
/// values of the parameter's type.
/// </summary>
public sealed class ResourceIndexer(SearchParameterRegistry registry)
{
    private readonly ConcurrentDictionary<string, IndexPlan> _plans = new(StringComparer.Ordinal);

    // Search expressions use resolve() only as "resolve() is Patient": the reference's type answers that without a read.
    private readonly ReferenceTypeResolver _resolver = new();

    /// <summary>The search parameters this indexer uses.</summary>
    public SearchParameterRegistry Registry { get; } = registry;

    /// <summary>The index values of <paramref name="resource"/> for every supported parameter of its type.</summary>
    public IReadOnlyList<IndexValue> Extract(ElementNode resource) => Extract(resource, codes: null);

    /// <summary>
    /// The index values of <paramref name="resource"/> for only the parameters named in
    /// <paramref name="codes"/> (all when null): a reindex after one parameter changed rebuilds
    /// only that parameter's rows.
    /// </summary>
    public IReadOnlyList<IndexValue> Extract(ElementNode resource, IReadOnlySet<string>? codes)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var plan = _plans.GetOrAdd(resource.Type.Name, BuildPlan);
        var values = new List<IndexValue>(32);
        var context = new EvaluationContext { Resource = resource, RootResource = resource, Resolver = _resolver };
        foreach (var (parameter, expression) in plan.Parameters)
        {
            if (codes is not null && !codes.Contains(parameter.Code))
            {
                continue;
            }
            foreach (var item in expression.Evaluate(resource, context))
            {
                if (item is ElementNode node)
                {
                    IndexValues.Add(values, parameter, node);
                }
            }
        }
        return values;
    }

    private IndexPlan BuildPlan(string resourceType)
    {
        var parameters = new List<(SearchParameterInfo, CompiledExpression)>();
        foreach (var parameter in Registry.ForType(resourceType))
        {
            // _id and _lastUpdated are columns of the resource table, not index rows.
            if (parameter.IsSupported && parameter.Code is not ("_id" or "_lastUpdated"))
            {
                parameters.Add((parameter, FhirPathCompiler.Compile(parameter.Expression!)));
            }
        }
        return new IndexPlan(parameters);
    }

    private sealed record IndexPlan(IReadOnlyList<(SearchParameterInfo Parameter, CompiledExpression Expression)> Parameters);
}
