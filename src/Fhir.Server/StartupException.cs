namespace Fhir.Server;

/// <summary>
/// The server cannot start as configured (a required setting is missing or contradicts another). The message says what to
/// set; the program prints it and exits with code 1 instead of a stack trace.
/// </summary>
public sealed class StartupException(string message) : Exception(message);
