// What the services run on: a Container Apps environment (with the Aspire dashboard), a registry
// for their images, an identity that may pull from it, and a Log Analytics workspace for logs.
// MongoDB and Redis are managed services outside this template (their connection strings are
// parameters), so nothing here keeps data.
@description('The Azure region for every resource.')
param location string = resourceGroup().location

@description('Tags for every resource.')
param tags object = {}

var token = uniqueString(resourceGroup().id)
// AcrPull: the identity the container apps use may pull their images.
var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'mi-${token}'
  location: location
  tags: tags
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'acr${token}'
  location: location
  sku: {
    name: 'Basic'
  }
  tags: tags
}

resource identityPullsImages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, acrPullRole)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: acrPullRole
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: 'law-${token}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
  tags: tags
}

resource environment 'Microsoft.App/managedEnvironments@2024-02-02-preview' = {
  name: 'cae-${token}'
  location: location
  properties: {
    workloadProfiles: [
      {
        workloadProfileType: 'Consumption'
        name: 'consumption'
      }
    ]
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
  tags: tags

  // The Aspire dashboard, fed by every service's OpenTelemetry (traces, metrics, logs).
  resource dashboard 'dotNetComponents' = {
    name: 'aspire-dashboard'
    properties: {
      componentType: 'AspireDashboard'
    }
  }
}

output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output MANAGED_IDENTITY_NAME string = identity.name
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = logs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.properties.loginServer
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = identity.id
output AZURE_CONTAINER_REGISTRY_NAME string = registry.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = environment.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = environment.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = environment.properties.defaultDomain
