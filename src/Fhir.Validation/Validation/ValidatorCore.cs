using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Path.Services;
using Fhir.Validation.Conformance;
using Fhir.Validation.Terminology;

namespace Fhir.Validation.Validation;

/// <summary>What every validation shares: the options, the plan cache and the terminology; also FHIRPath's <c>conformsTo()</c>.</summary>
internal sealed class ValidatorCore : IProfileValidator
{
    public ValidatorCore(IConformanceSource source, ValidationOptions options)
    {
        Options = options;
        Source = source;
        Plans = new PlanCache(source);
        Terminology = new LocalTerminology(source);
        // resolve() in invariants and discriminators: the server's store when given, otherwise the referenced type only.
        EvaluationResolver = new ReferenceTypeResolver(options.ReferenceResolver);
    }

    public ValidationOptions Options { get; }

    /// <summary>The conformance resources (questionnaires are read from here as they are).</summary>
    public IConformanceSource Source { get; }

    public PlanCache Plans { get; }

    public LocalTerminology Terminology { get; }

    public IReferenceResolver EvaluationResolver { get; }

    /// <inheritdoc />
    public bool? ConformsTo(ElementNode node, string profileUrl)
    {
        var plan = Plans.Get(profileUrl);
        if (plan is null)
        {
            return null;
        }
        if (!node.Type.IsA(plan.Type))
        {
            return false;
        }
        return new ValidationRun(this).ConformsQuietly(node, plan, scope: null);
    }
}
