global using Xunit;
global using Sirocco.Testing;
