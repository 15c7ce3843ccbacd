using Fhir.Core.Outcomes;
using Fhir.Path;

namespace Fhir.Validation;

/// <summary>How a <see cref="ResourceValidator"/> treats what it cannot check. Read once when the validator is built.</summary>
public sealed class ValidationOptions
{
    /// <summary>The defaults: unknown profiles and extensions are warnings, terminology is checked locally, references are not resolved.</summary>
    public static ValidationOptions Default { get; } = new();

    /// <summary>
    /// The severity of the issue for a declared profile (<c>meta.profile</c> or an extra profile) that the conformance
    /// source does not hold: <see cref="IssueSeverity.Warning"/> by default, so that data from other systems still loads.
    /// </summary>
    public IssueSeverity UnknownProfileSeverity { get; init; } = IssueSeverity.Warning;

    /// <summary>
    /// The severity of the issue for an extension whose URL the conformance source does not hold:
    /// <see cref="IssueSeverity.Warning"/> by default. An unknown <c>modifierExtension</c> is always an error.
    /// </summary>
    public IssueSeverity UnknownExtensionSeverity { get; init; } = IssueSeverity.Warning;

    /// <summary>
    /// Resolves references that are neither contained nor in the enclosing Bundle (a server's store), so that
    /// targets can be checked against the profiles in <c>targetProfile</c>; null to check target types only.
    /// </summary>
    public IReferenceResolver? ReferenceResolver { get; init; }

    /// <summary>
    /// Whether URLs at example domains (<c>example.org</c>, <c>example.com</c>, <c>example.net</c> and their subdomains) are
    /// accepted where a real location is given (url elements, attachment URLs, literal references): true by default (test
    /// data and the specification's examples use them); false makes each one an error, for production feeds.
    /// </summary>
    public bool AllowExampleUrls { get; init; } = true;

    /// <summary>
    /// Whether invariants the specification marks as best practice (the <c>elementdefinition-bestpractice</c> extension on
    /// a constraint, such as <c>dom-6</c> "a resource should have narrative") are checked: true by default, as HL7's
    /// validator does; false leaves them out (a server that takes data from other systems need not warn on every write).
    /// </summary>
    public bool CheckBestPractice { get; init; } = true;

    /// <summary>How codes are checked against bindings; <see cref="TerminologyMode.Local"/> by default.</summary>
    public TerminologyMode Terminology { get; init; } = TerminologyMode.Local;
}
