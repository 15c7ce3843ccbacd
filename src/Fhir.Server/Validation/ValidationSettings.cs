using Fhir.Core.Outcomes;

namespace Fhir.Server.Validation;

/// <summary>How writes are validated, bound from the <c>Validation</c> configuration section.</summary>
public sealed class ValidationSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Validation";

    /// <summary>
    /// What a declared <c>meta.profile</c> the server does not know is: <c>Warning</c> (default, so data
    /// from other systems still loads) or <c>Error</c>.
    /// </summary>
    public IssueSeverity UnknownProfile { get; set; } = IssueSeverity.Warning;

    /// <summary>What an extension whose definition the server does not know is: <c>Warning</c> (default) or <c>Error</c>.</summary>
    public IssueSeverity UnknownExtension { get; set; } = IssueSeverity.Warning;

    /// <summary>Best-practice invariants such as <c>dom-6</c> (a resource should have narrative): <c>Ignore</c> (default) or <c>Warning</c>.</summary>
    public BestPracticeChecks BestPractice { get; set; } = BestPracticeChecks.Ignore;

    /// <summary>
    /// Profiles every resource of a type must conform to, whatever it declares, by type
    /// (<c>Validation:RequiredProfiles:AdverseEvent:0=http://…/ctcae-adverse-event</c>).
    /// </summary>
    public IDictionary<string, List<string>> RequiredProfiles { get; } = new Dictionary<string, List<string>>(StringComparer.Ordinal);
}
