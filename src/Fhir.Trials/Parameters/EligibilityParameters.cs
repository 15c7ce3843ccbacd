using Fhir.Core.Model;
using Fhir.Trials.Eligibility;
using static Fhir.Trials.Parameters.ParametersWriter;

namespace Fhir.Trials.Parameters;

/// <summary>The <c>$eligibility</c> output, laid out as <c>design.md</c> fixes it.</summary>
public static class EligibilityParameters
{
    /// <summary><c>eligible</c>, then one <c>criterion</c> per criterion (<c>met</c> absent when undecidable).</summary>
    public static ElementNode Build(EligibilityResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var parameters = NewParameters();
        Add(parameters, "eligible").SetPrimitive("valueBoolean", result.Eligible);
        foreach (var criterion in result.Criteria)
        {
            var p = Add(parameters, "criterion");
            AddString(p, "name", criterion.Name);
            if (criterion.Met is { } met)
            {
                AddBoolean(p, "met", met);
            }
            AddString(p, "reason", criterion.Reason);
            foreach (var evidence in criterion.Evidence)
            {
                AddReference(p, "evidence", evidence);
            }
        }
        return parameters;
    }
}
