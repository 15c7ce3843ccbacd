namespace Fhir.Server.Security;

/// <summary>The SMART v2 permissions: <c>c</c>reate, <c>r</c>ead, <c>u</c>pdate, <c>d</c>elete, <c>s</c>earch.</summary>
[Flags]
internal enum Permissions
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    Search = 16,
    All = Create | Read | Update | Delete | Search,
}

/// <summary>Whom a scope speaks for: one patient (<c>patient/</c>), the signed-in user (<c>user/</c>) or a system (<c>system/</c>).</summary>
internal enum ScopeContext { Patient, User, System }
