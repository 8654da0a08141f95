document.getElementById('root').innerHTML = '<h1>API console</h1><p>Usage this month: ' + (40 + 2) + ' requests.</p>';
