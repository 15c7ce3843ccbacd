using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Validation.Validation;

/// <summary>The resource being walked and its container (itself unless contained), with the FHIRPath context built on first need.</summary>
internal sealed class ResourceScope(ElementNode resource, ElementNode container, ValidatorCore core)
{
    private EvaluationContext? _context;

    public ElementNode Resource { get; } = resource;

    /// <summary>The resource that holds <see cref="Resource"/> when it is contained; otherwise the resource itself.</summary>
    public ElementNode Container { get; } = container;

    public EvaluationContext Context => _context ??= new EvaluationContext
    {
        Resource = Resource,
        RootResource = Container,
        Terminology = core.Terminology,
        ProfileValidator = core,
        Resolver = core.EvaluationResolver,
    };
}
