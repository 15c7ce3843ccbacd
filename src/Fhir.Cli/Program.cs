using System.CommandLine;
using Fhir.Cli;
using Fhir.Cli.Commands;

var root = new RootCommand("FHIR R4 server tools.")
{
    AuthCommand.Create(),
    FhirPathCommand.Create(),
    ImportCommand.Create(),
    TrialGenerateCommand.Create(),
    ValidateCommand.Create(),
    ViewCommand.Create(),
};
return CommandLineRunner.Run(root, args);
